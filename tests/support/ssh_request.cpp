// One call through the ssh runtime's SSH client, for the SSH e2e tests:
//   cke-test-ssh [--accept-new] [--timeout-ms N] HOST PORT USER KEY KNOWN_HOSTS exec COMMAND
//   cke-test-ssh ... HOST PORT USER KEY KNOWN_HOSTS write PATH MODE   (the content on stdin)
// exec prints the command's stdout and exits with its status; a failure prints the client's one
// line to stderr and exits 1.
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "ssh_session.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  cke::ssh::Target target;
  std::chrono::milliseconds timeout{30000};
  while (!args.empty() && args.front().rfind("--", 0) == 0) {
    if (args.front() == "--accept-new") {
      target.accept_new_host_keys = true;
      args.erase(args.begin());
    } else if (args.front() == "--timeout-ms" && args.size() > 1) {
      timeout = std::chrono::milliseconds(std::stoll(args[1]));
      args.erase(args.begin(), args.begin() + 2);
    } else {
      break;
    }
  }
  if (args.size() < 7) {
    std::cerr << "usage: cke-test-ssh [--accept-new] [--timeout-ms N] HOST PORT USER KEY "
                 "KNOWN_HOSTS (exec COMMAND | write PATH MODE)\n";
    return 2;
  }
  target.host = args[0];
  target.port = std::stoi(args[1]);
  target.user = args[2];
  target.identity_file = args[3];
  target.known_hosts = args[4];
  target.connect_timeout = std::chrono::seconds(5);
  try {
    cke::ssh::Session session(target);
    if (args[5] == "exec") {
      const auto result = session.exec(args[6], timeout);
      std::cout << result.out;
      std::cerr << result.err;
      return result.exit_status;
    }
    if (args[5] == "write" && args.size() == 8) {
      const std::string content((std::istreambuf_iterator<char>(std::cin)),
                                std::istreambuf_iterator<char>());
      session.write_file(args[6], content, std::stoi(args[7], nullptr, 8));
      return 0;
    }
    std::cerr << "unknown request " << args[5] << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
