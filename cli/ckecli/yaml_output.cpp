#include "cli/ckecli/yaml_output.hpp"

#include <yaml-cpp/yaml.h>

namespace cke::cli {
namespace {

void emit(YAML::Emitter& out, const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case nlohmann::ordered_json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : value) {
        emit(out, item);
      }
      out << YAML::EndSeq;
      break;
    case nlohmann::ordered_json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      // A multi-line string (the ConfigMap's TOML) reads best as a literal block; the others
      // are quoted where YAML would read another type ("0440", "true", "* * * * *").
      if (text.find('\n') != std::string::npos) {
        out << YAML::Literal << text;
      } else {
        out << YAML::DoubleQuoted << text;
      }
      break;
    }
    case nlohmann::ordered_json::value_t::boolean: out << value.get<bool>(); break;
    case nlohmann::ordered_json::value_t::number_integer: out << value.get<int64_t>(); break;
    case nlohmann::ordered_json::value_t::number_unsigned: out << value.get<uint64_t>(); break;
    case nlohmann::ordered_json::value_t::number_float: out << value.get<double>(); break;
    default: out << YAML::Null; break;
  }
}

}  // namespace

std::string to_yaml(const nlohmann::ordered_json& value) {
  YAML::Emitter out;
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace cke::cli
