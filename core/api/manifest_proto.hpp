// A backup manifest as cke's API carries it (v1::BackupManifest), both ways, in one place.
#pragma once

#include "core/backup/manifest.hpp"
#include "proto/cke_api.pb.h"

namespace cke::api {

void to_proto(const backup::Manifest& manifest, v1::BackupManifest* out);
backup::Manifest from_proto(const v1::BackupManifest& manifest);

}  // namespace cke::api
