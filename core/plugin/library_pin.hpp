// Keeps every plugin library handle for the life of the process: plugins are never unloaded
// (PLUGIN-ABI.md), whichever registry loaded them and however long that registry lives.
#pragma once

#include <boost/dll/shared_library.hpp>

namespace cke::plugin {

void pin_library(boost::dll::shared_library library);

}  // namespace cke::plugin
