// Names that come from users and end up in certificates, etcd and file names.
#pragma once

#include <string>

namespace cke {

// ^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$
bool valid_user_name(const std::string& name);

// Throws cke::Error(CKE_INVALID_ARGUMENT) unless `name` is a valid etcd user name that cke may
// manage (not root or backup, which are reserved).
void check_user_name(const std::string& name);

}  // namespace cke
