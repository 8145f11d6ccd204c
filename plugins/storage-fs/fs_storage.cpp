// The `local` and `pvc` storage plugins (fs_storage.hpp).
#include "plugins/storage-fs/fs_storage.hpp"

CKE_PLUGINS(
    cke::sdk::storage_plugin<cke::plugins::storage_fs::FsStorage<false>>(
        {"local", "1.0.0", "objects as files in a local directory",
         R"({"type":"object","properties":{"dir":{"type":"string"}},"required":["dir"],"additionalProperties":false})"}),
    cke::sdk::storage_plugin<cke::plugins::storage_fs::FsStorage<true>>(
        {"pvc", "1.0.0", "objects as files on a filesystem mounted from a PersistentVolumeClaim",
         R"({"type":"object","properties":{"dir":{"type":"string"},"require_mount":{"type":"boolean","default":true}},"required":["dir"],"additionalProperties":false})"}))
