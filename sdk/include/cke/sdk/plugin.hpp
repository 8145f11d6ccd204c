// The one macro a C++ plugin needs: it emits the entry point listing the plugin's descriptors.
//
//   class MyStore : public cke::sdk::Storage { … };
//   CKE_PLUGINS(cke::sdk::storage_plugin<MyStore>({"my-store", "1.0.0", "what it does"}))
//
// Several plugins (of any kinds) may be listed, separated by commas.
#pragma once

#include "cke/abi.h"
#include "cke/sdk/cert_backend.hpp"
#include "cke/sdk/compressor.hpp"
#include "cke/sdk/host.hpp"
#include "cke/sdk/publisher.hpp"
#include "cke/sdk/runtime.hpp"
#include "cke/sdk/storage.hpp"

#define CKE_PLUGINS(...)                                                                        \
  extern "C" __attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1( \
      const cke_host* host) {                                                                   \
    try {                                                                                       \
      ::cke::sdk::detail::set_host(host);                                                       \
      static const cke_plugin_descriptor* const descriptors[] = {__VA_ARGS__};                  \
      static const cke_plugin_list list{sizeof(cke_plugin_list), CKE_ABI_VERSION,               \
                                        sizeof(descriptors) / sizeof(descriptors[0]),           \
                                        descriptors};                                           \
      return &list;                                                                             \
    } catch (...) {                                                                             \
      return nullptr;                                                                           \
    }                                                                                           \
  }
