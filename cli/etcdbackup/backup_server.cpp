#include "cli/etcdbackup/backup_server.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cli/etcdbackup/snapshot_source.hpp"
#include "core/backup/backup_name.hpp"
#include "core/backup/catalog.hpp"
#include "core/common/error.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::etcdbackup {
namespace {

int http_status(int32_t code) {
  switch (code) {
    case CKE_INVALID_ARGUMENT: return 400;
    case CKE_NOT_FOUND: return 404;
    case CKE_ABORTED: return 409;
    case CKE_UNAVAILABLE: return 503;
    default: return 500;
  }
}

void fail(httplib::Response& response, int status, const std::string& message) {
  response.status = status;
  response.set_content(message + "\n", "text/plain");
}

// Runs `handler`, turning what it throws into a one-line answer with the matching status.
template <class Handler>
void answer(const httplib::Request& request, httplib::Response& response, Handler&& handler) {
  try {
    handler();
  } catch (const Error& e) {
    fail(response, http_status(e.code()), e.what());
  } catch (const std::exception& e) {
    fail(response, 500, e.what());
  }
  if (response.status >= 400) {
    spdlog::warn("{} {}: {} {}", request.method, request.path, response.status,
                 response.body.substr(0, response.body.find('\n')));
  }
}

// Writes what the storage reads out into the HTTP response.
class SinkWriter final : public stream::ByteWriter {
 public:
  explicit SinkWriter(httplib::DataSink& sink) : sink_(sink) {}
  void write(std::span<const uint8_t> data) override {
    if (!sink_.write(reinterpret_cast<const char*>(data.data()), data.size())) {
      throw Error("the client went away", CKE_CANCELLED);
    }
  }

 private:
  httplib::DataSink& sink_;
};

}  // namespace

BackupServer::BackupServer(ServerSettings settings, const plugin::Registry& registry,
                           plugin::Storage& storage)
    : settings_(std::move(settings)), registry_(registry), storage_(storage) {}

void BackupServer::route(httplib::Server& server) {
  // Answers httplib gives by itself have no body: say what went wrong.
  server.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) {
      return;
    }
    if (response.status == 400 && request.method == "POST" &&
        !request.has_header("Content-Length")) {
      fail(response, 400,
           "a POST needs a Content-Length header, even for no body (curl: --data '')");
    } else if (response.status == 404) {
      fail(response, 404, "no such path: see GET /api/v1/backup");
    } else {
      fail(response, response.status,
           "the request was refused (" + request.method + " " + request.path + ")");
    }
  });
  server.Get("/health", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  server.Get("/api/v1/backup",
             [this](const httplib::Request& request, httplib::Response& response) {
               answer(request, response, [&] { list(response); });
             });
  server.Get(R"(/api/v1/backup/(.+))",
             [this](const httplib::Request& request, httplib::Response& response) {
               answer(request, response, [&] { download(request.matches[1], response); });
             });
  server.Get("/api/v1/manifest",
             [this](const httplib::Request& request, httplib::Response& response) {
               answer(request, response, [&] { list_manifests(response); });
             });
  server.Get(R"(/api/v1/manifest/(.+))",
             [this](const httplib::Request& request, httplib::Response& response) {
               answer(request, response, [&] { manifest(request.matches[1], response); });
             });
  server.Post("/api/v1/backup",
              [this](const httplib::Request& request, httplib::Response& response) {
                answer(request, response, [&] { take(response); });
              });
}

void BackupServer::list(httplib::Response& response) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& manifest : backup::list_backups(storage_)) {
    names.push_back(manifest.name);
  }
  response.set_content(names.dump() + "\n", "application/json");
}

void BackupServer::list_manifests(httplib::Response& response) {
  std::string text = "[";
  for (const auto& manifest : backup::list_backups(storage_)) {
    text += (text.size() > 1 ? "," : "") + backup::to_json(manifest);
  }
  response.set_content(text + "]\n", "application/json");
}

void BackupServer::manifest(const std::string& name, httplib::Response& response) {
  backup::check_backup_name(name);
  response.set_content(backup::to_json(backup::read_manifest(storage_, name)), "application/json");
}

void BackupServer::download(const std::string& name, httplib::Response& response) {
  backup::check_backup_name(name);  // before the storage sees it: no path reaches it
  const auto manifest = backup::read_manifest(storage_, name);
  response.set_header("X-Backup-SHA256", manifest.stored_sha256);
  response.set_content_provider(manifest.stored_size, "application/octet-stream",
                                [this, name](size_t offset, size_t, httplib::DataSink& sink) {
                                  if (offset != 0) {
                                    return false;  // the whole object goes out in the first call
                                  }
                                  try {
                                    SinkWriter writer(sink);
                                    storage_.get(name, writer);
                                  } catch (const std::exception& e) {
                                    spdlog::warn("GET /api/v1/backup/{}: {}", name, e.what());
                                    return false;
                                  }
                                  return true;
                                });
}

void BackupServer::take(httplib::Response& response) {
  std::unique_lock running(one_at_a_time_, std::try_to_lock);
  if (!running) {
    throw Error("a backup is running; try again when it is done", CKE_ABORTED);
  }
  const auto source = pick_snapshot_source(settings_.endpoints, settings_.identity);
  const std::string name = namer_.next(registry_, settings_.compressor);
  const backup::Failpoint failpoint = [this](const char* point) {
    settings_.failpoints.hit(point);
  };
  const auto stored = backup::store_backup(
      storage_, name,
      [&](stream::ByteWriter& writer) {
        return backup::produce_backup(source, registry_, name, settings_.compressor, writer,
                                      failpoint);
      },
      settings_.rotate, failpoint);
  spdlog::info("backup {} ({} bytes from member {} at revision {})", name,
               stored.manifest.stored_size, stored.manifest.member, stored.manifest.revision);
  for (const auto& removed : stored.removed) {
    spdlog::info("rotated away backup {}", removed);
  }
  response.set_content(backup::to_json(stored.manifest), "application/json");
}

}  // namespace cke::etcdbackup
