// Test hooks (CKE_FAILPOINTS and the CKE_TEST_* variables) are read only when the process was
// started with CKE_ENABLE_TEST_HOOKS=1, so a stray variable in a production environment cannot
// crash, pause or reschedule cke.
#pragma once

namespace cke {

// The value of the test hook variable `name`, or nullptr when it is unset or hooks are off.
const char* test_hook(const char* name);

// At start: warns that hooks are on, or that hook variables are set but ignored.
void announce_test_hooks();

}  // namespace cke
