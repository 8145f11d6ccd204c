/* Broken on purpose: links against a symbol nothing provides, so immediate binding fails. */
#include "cke/abi.h"

extern int cke_symbol_that_does_not_exist(void);

__attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1(
    const cke_host* host) {
  (void)host;
  return cke_symbol_that_does_not_exist() != 0 ? (const cke_plugin_list*)0
                                               : (const cke_plugin_list*)0;
}
