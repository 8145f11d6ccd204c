#include "cli/cke/api_names.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <memory>

namespace cke::cli {

std::vector<std::string> api_names(const std::string& host, const std::vector<std::string>& sans) {
  std::vector<std::string> names;
  if (host != "0.0.0.0" && host != "::") {
    names.push_back(host);
  } else {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) == 0) {
      const std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> owned(list, &::freeifaddrs);
      for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
        char text[INET6_ADDRSTRLEN] = {};
        if (a->ifa_addr == nullptr) {
          continue;
        }
        if (a->ifa_addr->sa_family == AF_INET) {
          ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr, text,
                      sizeof text);
        } else if (a->ifa_addr->sa_family == AF_INET6 && host == "::") {
          const auto* v6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
          if (IN6_IS_ADDR_LINKLOCAL(&v6->sin6_addr)) {
            continue;  // needs a zone to be dialled; no certificate can name it usefully
          }
          ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        }
        if (text[0] != '\0') {
          names.emplace_back(text);
        }
      }
    }
    char hostname[256] = {};
    if (::gethostname(hostname, sizeof hostname - 1) == 0 && hostname[0] != '\0') {
      names.emplace_back(hostname);
    }
  }
  names.insert(names.end(), sans.begin(), sans.end());
  return names;
}

}  // namespace cke::cli
