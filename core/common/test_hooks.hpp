// Test hooks (CKE_FAILPOINTS and the CKE_TEST_* variables) are read only when the process was
// started with CKE_ENABLE_TEST_HOOKS=1, so a stray variable in a production environment cannot
// crash, pause or reschedule cke.
#pragma once

#include <cstdint>

namespace cke {

// The value of the test hook variable `name`, or nullptr when it is unset or hooks are off.
const char* test_hook(const char* name);

// The test hook `name` as a whole number of at least `minimum`; `fallback` when it is unset, hooks
// are off, or it is not such a number (with a warning naming it).
int64_t test_hook_number(const char* name, int64_t minimum, int64_t fallback);

// At start: warns that hooks are on, or that hook variables are set but ignored.
void announce_test_hooks();

}  // namespace cke
