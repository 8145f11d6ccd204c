// Named failure points compiled into every operation, armed through the environment:
//   CKE_FAILPOINTS="bootstrap.after-intent=crash,auth.before-enable=error"
// crash: the process kills itself with SIGKILL (as `kill -9` would);
// pause: the calling thread stops there until the process is killed;
// error: the operation fails with an error naming the failpoint;
// sleep:SECONDS: the calling thread sleeps that long (1 to 3600), then carries on.
// docs/failpoints.md lists every name.
#pragma once

#include <map>
#include <string>

namespace cke {

class Failpoints {
 public:
  Failpoints() = default;
  // Parses CKE_FAILPOINTS; throws cke::Error on a malformed value.
  static Failpoints from_environment();
  static Failpoints parse(const std::string& spec);

  // Called at the named point; does nothing unless that point is armed.
  void hit(const std::string& name) const;

 private:
  std::map<std::string, std::string> armed_;
};

}  // namespace cke
