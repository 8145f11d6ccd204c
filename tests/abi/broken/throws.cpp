// Loads fine; its constructor throws, and the SDK's barrier must turn that into an error.
#include <stdexcept>

#include "cke/sdk/plugin.hpp"

namespace {

class Thrower final : public cke::sdk::Compressor {
 public:
  explicit Thrower(std::string_view /*config*/) {
    throw std::runtime_error("constructor exploded");
  }
  std::unique_ptr<cke::sdk::CompressStream> open_writer(cke::sdk::Writer /*sink*/) override {
    return nullptr;
  }
  std::unique_ptr<cke::sdk::DecompressStream> open_reader(cke::sdk::Reader /*source*/) override {
    return nullptr;
  }
};

}  // namespace

CKE_PLUGINS(cke::sdk::compressor_plugin<Thrower>({"thrower", "1.0"}, ".boom"))
