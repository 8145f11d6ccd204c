// An example storage plugin for S3 and S3-compatible servers, built against the installed SDK
// only. libcurl signs every request (AWS Signature Version 4, payload hash included); uploads
// go in parts of part_size_mib, so memory stays at one part whatever the object's size.
// Configuration (JSON):
//   {"endpoint": "https://s3.eu-west-1.amazonaws.com", "bucket": "backups",
//    "region": "eu-west-1", "access_key_id": "AKIA…", "secret_access_key_file": "/etc/cke/s3.key",
//    "prefix": "cluster-a/", "part_size_mib": 8, "ca_file": "/etc/cke/s3-ca.pem"}
// prefix, part_size_mib (at least 5, S3's smallest part) and ca_file are optional.
#include <curl/curl.h>
#include <openssl/evp.h>
#include <strings.h>

#include <algorithm>
#include <cke/sdk/plugin.hpp>
#include <cstdio>
#include <exception>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

namespace {

using cke::sdk::Error;

std::string sha256_hex(std::span<const uint8_t> data) {
  unsigned char digest[32];
  EVP_Digest(data.data(), data.size(), digest, nullptr, EVP_sha256(), nullptr);
  char hex[65];
  for (int i = 0; i < 32; ++i) {
    std::snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  }
  return hex;
}

// The text between <tag> and </tag>, from *from on, which then moves past it (to npos when there
// is none). Keys are plain names (cke checks them), so no XML unescaping is needed here.
std::string xml_value(const std::string& xml, const std::string& tag, size_t* from = nullptr) {
  const size_t start = xml.find("<" + tag + ">", from != nullptr ? *from : 0);
  const size_t end = start == std::string::npos ? start : xml.find("</" + tag + ">", start);
  if (from != nullptr) {
    *from = end;
  }
  return end == std::string::npos
             ? ""
             : xml.substr(start + tag.size() + 2, end - start - tag.size() - 2);
}

struct Response {
  long status = 0;
  std::string text;  // the body unless streamed to a sink
  std::string etag;
  curl_off_t length = 0;  // Content-Length (of a HEAD's object)
};

class S3Storage final : public cke::sdk::Storage {
 public:
  explicit S3Storage(std::string_view config_text) try {
    const auto config = nlohmann::json::parse(config_text);
    const auto text = [&](const char* field) { return config.value(field, std::string()); };
    base_ = config.at("endpoint").get<std::string>() + "/" + config.at("bucket").get<std::string>();
    signing_ = "aws:amz:" + config.at("region").get<std::string>() + ":s3";
    access_key_ = config.at("access_key_id").get<std::string>();
    std::ifstream secret_file(config.at("secret_access_key_file").get<std::string>());
    if (!std::getline(secret_file, secret_key_) || secret_key_.empty()) {
      throw Error(CKE_INVALID_ARGUMENT, "s3: cannot read a key from secret_access_key_file");
    }
    prefix_ = text("prefix");
    ca_file_ = text("ca_file");
    const auto part_mib = config.value("part_size_mib", 8);
    if (part_mib < 5 || part_mib > 1024) {
      throw Error(CKE_INVALID_ARGUMENT, "s3: part_size_mib must be 5 to 1024 (MiB)");
    }
    part_size_ = static_cast<size_t>(part_mib) << 20;
  } catch (const nlohmann::json::exception& e) {  // names the field: "key 'bucket' not found"
    throw Error(CKE_INVALID_ARGUMENT, std::string("s3: the configuration: ") + e.what());
  }

  // One part in memory at a time. An object smaller than a part is one PUT; a larger one a
  // multipart upload, visible only once completed, aborted when anything fails.
  void put(const std::string& key, cke::sdk::Reader& source) override {
    std::vector<uint8_t> part(part_size_);
    size_t filled = fill(source, part);
    if (filled < part.size()) {
      call("store " + key, "PUT", key, "", std::span(part).first(filled));
      return;
    }
    const std::string id =
        xml_value(call("start the upload of " + key, "POST", key, "uploads").text, "UploadId");
    const std::string upload = "uploadId=" + id;
    try {
      std::string parts;
      for (int number = 1; filled > 0; ++number, filled = fill(source, part)) {
        const auto sent = call("upload part " + std::to_string(number) + " of " + key, "PUT", key,
                               "partNumber=" + std::to_string(number) + "&" + upload,
                               std::span(part).first(filled));
        parts += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + sent.etag +
                 "</ETag></Part>";
      }
      const std::string done = "<CompleteMultipartUpload>" + parts + "</CompleteMultipartUpload>";
      const auto answer = call("complete " + key, "POST", key, upload, as_bytes(done));
      if (answer.text.find("<Error>") != std::string::npos) {  // S3 may fail with a 200
        throw Error(CKE_UNAVAILABLE, "s3: cannot complete " + key + ": " + reason(answer));
      }
    } catch (const std::exception& failure) {
      const auto aborted = send("DELETE", key, upload);
      const auto* error = dynamic_cast<const Error*>(&failure);
      if (aborted.status / 100 == 2) {
        throw;
      }
      throw Error(error != nullptr ? error->code() : CKE_UNAVAILABLE,
                  std::string(failure.what()) + "; the upload's parts stay on the server (" +
                      "abort: " + reason(aborted) + "): let a lifecycle rule remove them");
    }
  }

  void get(const std::string& key, cke::sdk::Writer& sink) override {
    call("read " + key, "GET", key, "", {}, &sink);
  }

  cke::sdk::ObjectInfo stat(const std::string& key) override {
    return {key, static_cast<uint64_t>(call("look at " + key, "HEAD", key).length), 0};
  }

  void remove(const std::string& key) override {
    (void)stat(key);  // S3 deletes a missing object without complaint; cke wants NOT_FOUND
    call("remove " + key, "DELETE", key);
  }

  void list(const std::string& prefix,
            const std::function<bool(const cke::sdk::ObjectInfo&)>& each) override {
    std::string token;
    do {
      std::string query = "list-type=2&prefix=" + escape(prefix_ + prefix);
      if (!token.empty()) {
        query += "&continuation-token=" + escape(token);
      }
      const std::string xml = call("list the bucket", "GET", "", query).text;
      for (size_t at = 0; at != std::string::npos;) {
        const std::string object = xml_value(xml, "Contents", &at);
        if (at != std::string::npos && !each({xml_value(object, "Key").substr(prefix_.size()),
                                              std::stoull(xml_value(object, "Size")), 0})) {
          return;
        }
      }
      token = xml_value(xml, "NextContinuationToken");
    } while (!token.empty());
  }

 private:
  static std::span<const uint8_t> as_bytes(const std::string& text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
  }

  static size_t fill(cke::sdk::Reader& source, std::span<uint8_t> part) {
    size_t filled = 0;
    for (size_t n = 1; n != 0 && filled < part.size(); filled += n) {
      n = source.read(part.subspan(filled));
    }
    return filled;
  }

  static std::string escape(const std::string& text) {
    std::unique_ptr<char, decltype(&curl_free)> escaped(
        curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
    return escaped ? escaped.get() : "";
  }

  static std::string reason(const Response& r) {
    const std::string code = xml_value(r.text, "Code");
    const std::string message = xml_value(r.text, "Message");
    return "HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + code) +
           (message.empty() ? "" : ": " + message);
  }

  // send(), then a sentence for anything but a 2xx answer.
  Response call(const std::string& what, const std::string& method, const std::string& key,
                const std::string& query = "", std::span<const uint8_t> body = {},
                cke::sdk::Writer* sink = nullptr) {
    Response r = send(method, key, query, body, sink);
    if (r.status / 100 != 2) {
      throw Error(r.status == 404 ? CKE_NOT_FOUND : CKE_UNAVAILABLE,
                  "s3: cannot " + what + ": " + (r.status == 0 ? r.text : reason(r)));
    }
    return r;
  }

  // METHOD on the object `key` (without the prefix; empty: the bucket) with `query` (encoded). A
  // 2xx answer's body goes to `sink` if there is one; any other into Response::text.
  Response send(const std::string& method, const std::string& key, const std::string& query = "",
                std::span<const uint8_t> body = {}, cke::sdk::Writer* sink_to = nullptr) {
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                   &curl_easy_cleanup);
    std::string url = base_ + "/" + (key.empty() ? "" : prefix_ + key);
    url += query.empty() ? "" : "?" + query;
    Response r;
    struct Sink {
      CURL* curl;
      Response* response;
      cke::sdk::Writer* writer;
      std::exception_ptr failure;
    } sink{curl.get(), &r, sink_to, nullptr};
    const auto header = "x-amz-content-sha256: " + sha256_hex(body);
    const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
        curl_slist_append(nullptr, header.c_str()), &curl_slist_free_all);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, signing_.c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, access_key_.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, secret_key_.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (!ca_file_.empty()) {
      curl_easy_setopt(c, CURLOPT_CAINFO, ca_file_.c_str());
    }
    if (method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (method == "PUT") {
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(c, CURLOPT_READDATA, &body);
      curl_easy_setopt(
          c, CURLOPT_READFUNCTION, +[](char* to, size_t size, size_t n, void* data) {
            auto& rest = *static_cast<std::span<const uint8_t>*>(data);
            const size_t count = std::min(size * n, rest.size());
            std::copy_n(rest.data(), count, to);
            rest = rest.subspan(count);
            return count;
          });
    } else if (method == "POST") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, reinterpret_cast<const char*>(body.data()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else if (method != "GET") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(
        c, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* to) {
          auto& s = *static_cast<Sink*>(to);
          curl_easy_getinfo(s.curl, CURLINFO_RESPONSE_CODE, &s.response->status);
          if (s.writer == nullptr || s.response->status / 100 != 2) {
            s.response->text.append(data, size * n);
            return size * n;
          }
          try {  // no exception may cross libcurl: kept, and rethrown once the transfer ends
            s.writer->write({reinterpret_cast<const uint8_t*>(data), size * n});
            return size * n;
          } catch (...) {
            s.failure = std::current_exception();
            return size_t{0};
          }
        });
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(
        c, CURLOPT_HEADERFUNCTION, +[](char* data, size_t size, size_t n, void* to) {
          std::string line(data, size * n);
          if (strncasecmp(line.c_str(), "etag:", 5) == 0) {
            line.erase(line.find_last_not_of("\r\n ") + 1);
            static_cast<Response*>(to)->etag = line.substr(line.find_first_not_of(' ', 5));
          }
          return size * n;
        });
    const CURLcode result = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    if (sink.failure) {
      std::rethrow_exception(sink.failure);
    }
    if (result != CURLE_OK) {
      r.status = 0;
      r.text = std::string("the request to ") + url + " failed: " + curl_easy_strerror(result);
    }
    curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &r.length);
    return r;
  }

  std::string base_, signing_, access_key_, secret_key_, prefix_, ca_file_;
  size_t part_size_ = 8 << 20;
};

}  // namespace

CKE_PLUGINS(cke::sdk::storage_plugin<S3Storage>({"s3", "0.1.0",
                                                 "example: objects in an S3 bucket (SigV4)"}))
