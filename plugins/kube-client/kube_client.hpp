// A small Kubernetes API client over libcurl: JSON requests with timeouts, retries with backoff
// for what retrying can fix (no connection, 429, 5xx), one-line errors for the rest (401, 403,
// 404, 409, 422 say what to do), and API discovery.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kubeconfig.hpp"

namespace cke::kube {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Response {
  long status = 0;
  nlohmann::json body;  // null when the body was empty or not JSON
};

class Client {
 public:
  explicit Client(Credentials credentials,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10), int attempts = 3);

  // One request; `body` is sent as JSON when not null. Retries transport failures, 429 and 5xx
  // (attempts in all, 250 ms then doubling between them) and returns every other answer as it is.
  Response request(const std::string& method, const std::string& path,
                   const nlohmann::json& body = nullptr);

  // GETs `path` and passes the body to `sink` as it arrives, without retrying (a part may have
  // gone to the sink). Any answer but 200 throws, with the API server's message or the first
  // line of what a proxied service answered.
  void download(const std::string& path, const std::function<void(std::span<const uint8_t>)>& sink);

  // The object at `path`, or nullopt for 404. Other failures throw.
  std::optional<nlohmann::json> get(const std::string& path);

  // Throws sdk::Error with one line naming the request and what the server said, unless
  // `response` has status `expected` (or, when `also` is given, that one).
  void expect(const Response& response, const std::string& method, const std::string& path,
              long expected, long also = 0) const;

  // The first of `versions` ("v1", "v1beta1") in which the server serves `resource`
  // ("cronjobs") of API `group` ("batch"), as "batch/v1"; asked once and remembered. The
  // resource list decides, not the group's versions: a 1.20 server has batch/v1 for Jobs but
  // serves CronJobs only in batch/v1beta1. Throws when no version serves it.
  std::string group_version(const std::string& group, const std::string& resource,
                            const std::vector<std::string>& versions);

  [[nodiscard]] const std::string& server() const { return credentials_.server; }

 private:
  std::unique_ptr<CURL, CurlFree> handle(const std::string& method, const std::string& path,
                                         std::unique_ptr<curl_slist, SlistFree>& headers,
                                         bool json_body) const;

  Credentials credentials_;
  std::chrono::milliseconds timeout_;
  int attempts_;
  std::map<std::string, std::string> discovered_;
};

// "409 Conflict: Operation cannot be fulfilled …": the status and the server's own message.
std::string describe(const Response& response);

}  // namespace cke::kube
