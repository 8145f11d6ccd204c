#include "kube_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <thread>

#include "cke/sdk/error.hpp"

namespace cke::kube {
namespace {

size_t collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

curl_blob blob(const std::string& pem) {
  // CURL_BLOB_COPY: curl keeps its own copy.
  return {const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
}

const char* reason(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::string hint(long status) {
  switch (status) {
    case 401: return " (the credentials are not accepted: check the kubeconfig's user)";
    case 403: return " (the user lacks RBAC permission for this: grant it a Role that allows it)";
    case 404: return " (no such object or API on this server)";
    case 409: return " (changed by someone else meanwhile, or it exists already)";
    case 422: return " (the server refused the object as invalid)";
    default: return "";
  }
}

}  // namespace

std::string describe(const Response& response) {
  std::string text = std::to_string(response.status);
  if (const char* r = reason(response.status); *r != '\0') {
    text += std::string(" ") + r;
  }
  if (response.body.is_object() && response.body.contains("message") &&
      response.body["message"].is_string()) {
    text += ": " + response.body["message"].get<std::string>();
  }
  return text;
}

Client::Client(Credentials credentials, std::chrono::milliseconds timeout, int attempts)
    : credentials_(std::move(credentials)), timeout_(timeout), attempts_(attempts) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) {
    throw sdk::Error(CKE_INTERNAL, "cannot initialise libcurl");
  }
}

// A handle for one request to `path`, with the credentials, timeouts and headers every request
// carries; `headers` must outlive the transfer.
std::unique_ptr<CURL, CurlFree> Client::handle(const std::string& method, const std::string& path,
                                               std::unique_ptr<curl_slist, SlistFree>& headers,
                                               bool json_body) const {
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  headers.reset(curl_slist_append(nullptr, "Accept: application/json, */*"));
  if (json_body) {
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
  }
  if (const std::string token = current_token(credentials_); !token.empty()) {
    const std::string auth = "Authorization: Bearer " + token;
    headers.reset(curl_slist_append(headers.release(), auth.c_str()));
  }
  const std::string url = credentials_.server + path;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  // The API server's logs and audit events name the client by this.
  curl_easy_setopt(c, CURLOPT_USERAGENT, "cke");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  if (!credentials_.ca_pem.empty()) {
    curl_blob ca = blob(credentials_.ca_pem);
    curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &ca);
  }
  if (credentials_.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!credentials_.client_cert_pem.empty()) {
    curl_blob cert = blob(credentials_.client_cert_pem);
    curl_blob key = blob(credentials_.client_key_pem);
    curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &key);
  }
  return curl;
}

Response Client::request(const std::string& method, const std::string& path,
                         const nlohmann::json& body) {
  const std::string payload = body.is_null() ? "" : body.dump();
  std::string last_error;
  auto pause = std::chrono::milliseconds(250);
  for (int attempt = 1;; ++attempt) {
    std::unique_ptr<curl_slist, SlistFree> headers;
    const auto curl = handle(method, path, headers, !payload.empty());
    CURL* c = curl.get();
    std::string received;
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &received);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
    if (!payload.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    }
    const CURLcode code = curl_easy_perform(c);
    Response response;
    if (code == CURLE_OK) {
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
      response.body = nlohmann::json::parse(received, nullptr, false);
      if (response.body.is_discarded()) {
        response.body = nullptr;
      }
      const bool retry = response.status == 429 || response.status >= 500;
      if (!retry || attempt >= attempts_) {
        return response;
      }
      last_error = describe(response);
    } else {
      last_error = curl_easy_strerror(code);
      if (attempt >= attempts_) {
        throw sdk::Error(CKE_UNAVAILABLE, "kube-apiserver " + credentials_.server + ": " + method +
                                              " " + path + ": " + last_error + " (after " +
                                              std::to_string(attempts_) + " attempts)");
      }
    }
    std::this_thread::sleep_for(pause);
    pause *= 2;
  }
}

namespace {

// Passes a 200 answer's body on as it arrives; keeps the start of any other (an error message).
struct Download {
  CURL* curl = nullptr;
  const std::function<void(std::span<const uint8_t>)>* sink = nullptr;
  std::string error_body;
  std::exception_ptr failure;  // what the sink threw: rethrown after the transfer stops
};

size_t pass_on(char* data, size_t size, size_t count, void* ctx) {
  auto& d = *static_cast<Download*>(ctx);
  long status = 0;
  curl_easy_getinfo(d.curl, CURLINFO_RESPONSE_CODE, &status);
  const size_t n = size * count;
  if (status != 200) {
    d.error_body.append(data,
                        std::min<size_t>(n, 4096 - std::min<size_t>(4096, d.error_body.size())));
    return n;
  }
  try {
    (*d.sink)({reinterpret_cast<const uint8_t*>(data), n});
  } catch (...) {
    d.failure = std::current_exception();
    return 0;  // stops the transfer
  }
  return n;
}

}  // namespace

void Client::download(const std::string& path,
                      const std::function<void(std::span<const uint8_t>)>& sink) {
  std::unique_ptr<curl_slist, SlistFree> headers;
  const auto curl = handle("GET", path, headers, false);
  CURL* c = curl.get();
  Download d{c, &sink, {}, nullptr};
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &pass_on);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
  // A download may be long; one that stalls for a whole timeout is given up.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(std::max<int64_t>(
                       1, std::chrono::duration_cast<std::chrono::seconds>(timeout_).count())));
  const CURLcode code = curl_easy_perform(c);
  if (d.failure) {
    std::rethrow_exception(d.failure);
  }
  if (code != CURLE_OK) {
    throw sdk::Error(CKE_UNAVAILABLE, "kube-apiserver " + credentials_.server + ": GET " + path +
                                          ": " + curl_easy_strerror(code));
  }
  Response response;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  if (response.status == 200) {
    return;
  }
  response.body = nlohmann::json::parse(d.error_body, nullptr, false);
  if (response.body.is_discarded() || !response.body.is_object()) {
    // Not the API server's own Status: what the proxied service answered, its first line.
    std::string line = d.error_body.substr(0, d.error_body.find('\n'));
    response.body = {{"message", line}};
  }
  expect(response, "GET", path, 200);
}

void Client::expect(const Response& response, const std::string& method, const std::string& path,
                    long expected, long also) const {
  if (response.status == expected || (also != 0 && response.status == also)) {
    return;
  }
  const int32_t code = response.status == 401 || response.status == 403 ? CKE_PERMISSION_DENIED
                       : response.status == 404                         ? CKE_NOT_FOUND
                       : response.status == 409                         ? CKE_ABORTED
                       : response.status == 422                         ? CKE_INVALID_ARGUMENT
                                                                        : CKE_UNAVAILABLE;
  throw sdk::Error(code, "kube-apiserver " + credentials_.server + ": " + method + " " + path +
                             ": " + describe(response) + hint(response.status));
}

std::optional<nlohmann::json> Client::get(const std::string& path) {
  const Response response = request("GET", path);
  if (response.status == 404) {
    return std::nullopt;
  }
  expect(response, "GET", path, 200);
  return response.body;
}

std::string Client::group_version(const std::string& group, const std::string& resource,
                                  const std::vector<std::string>& versions) {
  const std::string key = group + "/" + resource;
  if (const auto it = discovered_.find(key); it != discovered_.end()) {
    return it->second;
  }
  std::string names;
  for (const std::string& version : versions) {
    const std::string group_version = group + "/" + version;
    names += (names.empty() ? "" : ", ") + group_version;
    const auto list = get("/apis/" + group_version);  // nullopt: the version is not served
    if (!list || !list->contains("resources") || !(*list)["resources"].is_array()) {
      continue;
    }
    for (const auto& r : (*list)["resources"]) {
      if (r.is_object() && r.value("name", "") == resource) {
        return discovered_[key] = group_version;
      }
    }
  }
  throw sdk::Error(CKE_NOT_FOUND, "kube-apiserver " + credentials_.server + " serves " + resource +
                                      " in none of " + names);
}

}  // namespace cke::kube
