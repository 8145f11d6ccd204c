// ckecli etcd local-backup, and ckecli etcd backup list|get|verify|delete|take|manifests.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/ckecli/commands.hpp"
#include "cli/ckecli/progress.hpp"
#include "cli/ckecli/yaml_output.hpp"
#include "cli/common/output_format.hpp"
#include "core/api/manifest_proto.hpp"
#include "core/backup/backup_name.hpp"
#include "core/backup/catalog.hpp"
#include "core/backup/pipeline.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/random_hex.hpp"
#include "core/common/unique_fd.hpp"
#include "core/plugin/registry.hpp"
#include "core/stream/fd_stream.hpp"
#include "core/stream/hashing.hpp"
#include "core/stream/pipe.hpp"

namespace cke::cli {
namespace {

struct BackupOptions {
  std::string dir = "/var/cke/etcd-backups";
  int max_backups = 10;
  std::string compressor = "gzip";
  std::vector<std::string> plugin_dirs;
  std::string name;
  std::string out;
  bool yes = false;
  bool include_secret = false;
  std::string cronjob_api_version = "batch/v1";
  std::string file;
  std::string list_output;  // one variable per command: each has its own default
  std::string take_output;
};

// What was received must be what cke sent: size and SHA-256 against the manifest.
void check_received(const backup::Manifest& manifest, uint64_t size, const std::string& sha256) {
  if (size != manifest.stored_size || sha256 != manifest.stored_sha256) {
    throw Error("backup " + manifest.name + " arrived damaged: " + std::to_string(size) +
                    " bytes with SHA-256 " + sha256 + ", cke sent " +
                    std::to_string(manifest.stored_size) + " bytes with " + manifest.stored_sha256,
                CKE_DATA_LOSS);
  }
}

UniqueFd lock_backup_dir(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / ".cke-local-backup.lock";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) {
    throw Error("cannot open " + path.string() + ": " + std::strerror(errno), CKE_UNAVAILABLE);
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    throw Error("another ckecli etcd local-backup is writing into " + dir.string() +
                    "; try again when it is done",
                CKE_ABORTED);
  }
  return fd;
}

// A hidden name of our own beside `out` for the download in progress, never one that exists.
std::filesystem::path download_name(const std::filesystem::path& dir,
                                    const std::filesystem::path& out) {
  return dir / ("." + out.filename().string() + "." + random_hex() + ".partial");
}

void local_backup(const BackupOptions& options, const Connection& connection) {
  std::vector<std::filesystem::path> dirs(options.plugin_dirs.begin(), options.plugin_dirs.end());
  const plugin::Registry registry(plugin::plugin_search_path(dirs));
  plugin::Storage storage(registry.require(plugin::Kind::storage, "local"),
                          nlohmann::json{{"dir", options.dir}}.dump());
  // One local-backup per directory at a time: a second one would rotate away or race with the
  // first one's files. Taken before cke is asked for anything.
  const UniqueFd alone = lock_backup_dir(options.dir);

  v1::LocalBackupRequest request;
  request.set_compressor(options.compressor);
  auto context = call_context(std::chrono::hours(24));
  auto stub = connection.stub();
  auto reader = stub->LocalBackup(context.get(), request);
  v1::BackupChunk chunk;
  if (!reader->Read(&chunk) || chunk.name().empty()) {
    connection.check(reader->Finish());
    throw Error("cke sent no backup", CKE_INTERNAL);
  }
  const std::string name = chunk.name();
  backup::check_backup_name(name);

  // What cke streams goes through the backup pipeline's storage half: data, manifest, rotation.
  const auto stored = backup::store_backup(
      storage, name,
      [&](stream::ByteWriter& writer) {
        std::optional<backup::Manifest> manifest;
        stream::HashingWriter hashed(writer);
        while (reader->Read(&chunk)) {
          if (chunk.has_manifest()) {
            manifest = api::from_proto(chunk.manifest());
          } else {
            hashed.write(
                {reinterpret_cast<const uint8_t*>(chunk.data().data()), chunk.data().size()});
          }
        }
        connection.check(reader->Finish());
        if (!manifest) {
          throw Error("cke ended the backup without its manifest", CKE_DATA_LOSS);
        }
        // Thrown before the stream ends cleanly, so nothing damaged is stored.
        check_received(*manifest, hashed.size(), hashed.hex_digest());
        return *manifest;
      },
      static_cast<size_t>(options.max_backups));
  std::cout << "created backup " << name << "\n";
  for (const auto& removed : stored.removed) {
    std::cout << "removed backup " << removed << "\n";
  }
}

void backup_get(const BackupOptions& options, const Connection& connection) {
  backup::check_backup_name(options.name);  // refused before anything is asked or read
  const std::filesystem::path out(options.out.empty() ? options.name : options.out);
  const std::filesystem::path dir = out.has_parent_path() ? out.parent_path() : ".";
  const std::filesystem::path partial = download_name(dir, out);

  v1::BackupNameRequest request;
  request.set_name(options.name);
  auto context = call_context(std::chrono::hours(24));
  auto stub = connection.stub();
  auto reader = stub->BackupGet(context.get(), request);
  v1::BackupChunk chunk;
  if (!reader->Read(&chunk)) {
    connection.check(reader->Finish());
    throw Error("cke sent nothing for " + options.name, CKE_INTERNAL);
  }
  const backup::Manifest manifest = api::from_proto(chunk.manifest());
  // O_EXCL | O_NOFOLLOW: a file or symlink planted under that name is never written through.
  UniqueFd fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) {
    throw Error("cannot create " + partial.string() + ": " + std::strerror(errno), CKE_UNAVAILABLE);
  }
  try {
    stream::FdWriter file(fd.get(), partial.string());
    stream::HashingWriter hashed(file);
    Progress progress(options.name, manifest.stored_size);
    while (reader->Read(&chunk)) {
      hashed.write({reinterpret_cast<const uint8_t*>(chunk.data().data()), chunk.data().size()});
      progress.advance(chunk.data().size());
    }
    connection.check(reader->Finish());
    check_received(manifest, hashed.size(), hashed.hex_digest());
    if (::fsync(fd.get()) != 0) {
      throw Error("cannot sync " + partial.string() + ": " + std::strerror(errno), CKE_UNAVAILABLE);
    }
    fd.reset();
    std::filesystem::rename(partial, out);
    sync_directory(dir);
  } catch (...) {
    ::unlink(partial.c_str());
    throw;
  }
  std::cout << "downloaded " << out.string() << " (" << manifest.stored_size
            << " bytes, SHA-256 verified)\n";
}

nlohmann::ordered_json manifest_json(const v1::BackupManifest& m) {
  return nlohmann::ordered_json::parse(backup::to_json(api::from_proto(m)));
}

// A restore discards every write made since the backup: it needs --yes, or a "yes" typed at a
// terminal.
void confirm_restore(const std::string& source, bool yes) {
  if (yes) {
    return;
  }
  if (::isatty(0) == 0) {
    throw Error(
        "restoring " + source +
            " replaces all of the cluster's data and discards newer writes; add --yes to confirm",
        CKE_FAILED_PRECONDITION);
  }
  std::cerr << "Restoring " << source
            << " replaces all of the cluster's data and discards every newer write.\n"
            << "Type yes to continue: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "yes") {
    throw Error("restore cancelled", CKE_CANCELLED);
  }
}

void restore_file(const BackupOptions& options, const Connection& connection) {
  UniqueFd fd(::open(options.file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    throw Error("cannot read " + options.file + ": " + std::strerror(errno), CKE_NOT_FOUND);
  }
  confirm_restore(options.file, options.yes);
  auto context = call_context(std::chrono::hours(24));
  auto stub = connection.stub();
  v1::RestoreResponse response;
  auto writer = stub->RestoreUpload(context.get(), &response);
  v1::RestoreChunk chunk;
  struct stat st {};
  ::fstat(fd.get(), &st);
  chunk.set_file_name(std::filesystem::path(options.file).filename().string());
  chunk.set_size(static_cast<uint64_t>(st.st_size));
  writer->Write(chunk);
  chunk.clear_file_name();
  chunk.clear_size();
  std::vector<char> buf(256 * 1024);
  Progress progress("uploading " + options.file, static_cast<uint64_t>(st.st_size));
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      throw Error("cannot read " + options.file + ": " + std::strerror(errno), CKE_UNAVAILABLE);
    }
    if (n == 0) {
      break;
    }
    chunk.set_data(buf.data(), static_cast<size_t>(n));
    if (!writer->Write(chunk)) {
      break;  // cke refused; Finish says why
    }
    progress.advance(static_cast<uint64_t>(n));
  }
  writer->WritesDone();
  connection.check(writer->Finish());
  std::cout << "restored the cluster from " << options.file << " (" << response.snapshot_size()
            << " bytes of snapshot)\n";
}

}  // namespace

void add_backup_commands(CLI::App& etcd, const Connection& connection) {
  auto options = std::make_shared<BackupOptions>();

  auto* local = etcd.add_subcommand(
      "local-backup", "take a snapshot and save it on this machine, verified and rotated");
  local->add_option("--dir", options->dir, "where to save it")->capture_default_str();
  local->add_option("--max-backups", options->max_backups, "how many to keep (the newest)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  local->add_option("--compressor", options->compressor, "gzip, zstd, xz or none")
      ->capture_default_str();
  local->add_option("--plugin-dir", options->plugin_dirs,
                    "search this plugin directory first (repeatable)");
  local->callback([options, &connection] { local_backup(*options, connection); });

  auto* backup = etcd.add_subcommand("backup", "the backups of the scheduled backup storage");
  backup->require_subcommand(1);

  auto* list = backup->add_subcommand("list", "list backups, oldest first");
  add_output_flag(*list, options->list_output, "json", {"json", "table"});
  list->callback([options, &connection] {
    v1::BackupListResponse response;
    auto context = call_context();
    connection.check(connection.stub()->BackupList(context.get(), v1::Empty(), &response));
    if (options->list_output == "json") {
      auto names = nlohmann::json::array();
      for (const auto& b : response.backups()) {
        names.push_back(b.name());
      }
      std::cout << names.dump() << "\n";
      return;
    }
    std::printf("%-34s %-20s %12s %10s %-10s\n", "NAME", "CREATED", "SIZE", "REVISION",
                "COMPRESSOR");
    for (const auto& b : response.backups()) {
      std::printf("%-34s %-20s %12llu %10lld %-10s\n", b.name().c_str(), b.created_at().c_str(),
                  static_cast<unsigned long long>(b.stored_size()),
                  static_cast<long long>(b.revision()), b.compressor().c_str());
    }
  });

  auto* get = backup->add_subcommand("get", "download a backup to the current directory");
  get->add_option("NAME", options->name, "backup name")->required();
  get->add_option("--out", options->out, "save it as this file instead");
  get->callback([options, &connection] { backup_get(*options, connection); });

  auto* verify =
      backup->add_subcommand("verify", "re-read a backup and check its hashes and etcd's trailer");
  verify->add_option("NAME", options->name, "backup name")->required();
  verify->callback([options, &connection] {
    backup::check_backup_name(options->name);
    v1::BackupNameRequest request;
    request.set_name(options->name);
    v1::BackupManifest manifest;
    auto context = call_context(std::chrono::hours(1));
    connection.check(connection.stub()->BackupVerify(context.get(), request, &manifest));
    std::cout << "backup " << manifest.name() << " is intact (" << manifest.stored_size()
              << " bytes stored, " << manifest.raw_size() << " bytes of snapshot at revision "
              << manifest.revision() << ")\n";
  });

  auto* remove = backup->add_subcommand("delete", "delete a backup");
  remove->add_option("NAME", options->name, "backup name")->required();
  remove->callback([options, &connection] {
    backup::check_backup_name(options->name);
    v1::BackupNameRequest request;
    request.set_name(options->name);
    v1::Empty response;
    auto context = call_context();
    connection.check(connection.stub()->BackupDelete(context.get(), request, &response));
    std::cout << "deleted backup " << options->name << "\n";
  });

  auto* restore_backup =
      backup->add_subcommand("restore", "restore the cluster from a backup (after verifying it)");
  restore_backup->add_option("NAME", options->name, "backup name")->required();
  restore_backup->add_flag("--yes", options->yes, "confirm that newer data is discarded");
  restore_backup->callback([options, &connection] {
    backup::check_backup_name(options->name);
    confirm_restore(options->name, options->yes);
    v1::BackupNameRequest request;
    request.set_name(options->name);
    v1::RestoreResponse response;
    auto context = call_context(std::chrono::hours(24));
    connection.check(connection.stub()->BackupRestore(context.get(), request, &response));
    std::cout << "restored the cluster from " << options->name << " (" << response.snapshot_size()
              << " bytes of snapshot)\n";
  });

  auto* restore = etcd.add_subcommand("restore",
                                      "restore the cluster from a local snapshot file (e.g. from "
                                      "local-backup), also when every member's data is gone");
  restore
      ->add_option("FILE", options->file,
                   "snapshot file: .db, or compressed .db.gz, .db.zst, .db.xz")
      ->required();
  restore->add_flag("--yes", options->yes, "confirm that newer data is discarded");
  restore->callback([options, &connection] { restore_file(*options, connection); });

  auto* manifests = backup->add_subcommand(
      "manifests",
      "print the Kubernetes backup method's objects as YAML (for kubectl apply or GitOps)");
  manifests->add_flag("--include-secret", options->include_secret,
                      "also print the Secret with etcdbackup's etcd client certificate and key");
  manifests
      ->add_option("--cronjob-api-version", options->cronjob_api_version,
                   "batch/v1beta1 for Kubernetes before 1.21")
      ->check(CLI::IsMember({"batch/v1", "batch/v1beta1"}))
      ->capture_default_str();
  manifests->callback([options, &connection] {
    v1::BackupManifestsRequest request;
    request.set_include_secret(options->include_secret);
    request.set_cronjob_api_version(options->cronjob_api_version);
    v1::BackupManifestsResponse response;
    auto context = call_context();
    connection.check(connection.stub()->BackupManifests(context.get(), request, &response));
    if (response.secret_left_out()) {
      std::cout << "# The Secret etcdbackup-etcd (etcdbackup's etcd client certificate and key) "
                   "is left out: add --include-secret, or create it by other means.\n";
    }
    for (const auto& object : response.objects()) {
      std::cout << "---\n" << to_yaml(nlohmann::ordered_json::parse(object));
    }
  });

  auto* take =
      backup->add_subcommand("take", "take a backup into the scheduled storage now, then rotate");
  add_output_flag(*take, options->take_output, "table", {"table", "json"});
  take->callback([options, &connection] {
    v1::BackupTakeResponse response;
    auto context = call_context(std::chrono::hours(24));
    connection.check(connection.stub()->BackupTake(context.get(), v1::Empty(), &response));
    if (options->take_output == "json") {
      std::cout << manifest_json(response.manifest()).dump(2) << "\n";
      return;
    }
    std::cout << "created backup " << response.manifest().name() << "\n";
    for (const auto& removed : response.removed()) {
      std::cout << "removed backup " << removed << "\n";
    }
  });
}

}  // namespace cke::cli
