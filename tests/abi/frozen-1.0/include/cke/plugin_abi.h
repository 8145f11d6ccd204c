/* Convenience header: the whole cke plugin ABI. */
#ifndef CKE_PLUGIN_ABI_H
#define CKE_PLUGIN_ABI_H

#include "cke/abi.h"
#include "cke/cert_backend.h"
#include "cke/compressor.h"
#include "cke/publisher.h"
#include "cke/runtime.h"
#include "cke/storage.h"

#endif /* CKE_PLUGIN_ABI_H */
