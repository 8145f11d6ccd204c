/*
 * Certificate backend plugins (CKE_KIND_CERT_BACKEND): hold the CAs and issue certificates.
 *
 * cke uses three CAs by name: "server" (etcd serving certificates), "peer" (etcd peer TLS) and
 * "client" (users, including root). A backend creates a CA the first time it is asked for it.
 * Private CA keys never leave the backend.
 *
 * Threading: calls on one instance may come from several threads at once.
 */
#ifndef CKE_CERT_BACKEND_H
#define CKE_CERT_BACKEND_H

#include "cke/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cke_cert_backend cke_cert_backend; /* opaque instance */

/* Extended key usages, as bits of cke_cert_request.usages. */
#define CKE_USAGE_SERVER_AUTH 1u
#define CKE_USAGE_CLIENT_AUTH 2u

/* Key types; none is 0. */
#define CKE_KEY_ECDSA_P256 1u
#define CKE_KEY_RSA_2048 2u

/* Borrowed from the caller for the duration of `issue`. */
typedef struct cke_cert_request {
  uint32_t struct_size;
  const char* ca_name; /* "server", "peer" or "client" */
  const char* common_name;
  const char* const* dns_names; /* subjectAltName DNS entries */
  size_t dns_name_count;
  const char* const* ip_addresses; /* subjectAltName IP entries, textual IPv4/IPv6 */
  size_t ip_address_count;
  uint32_t usages;         /* CKE_USAGE_* bits */
  uint32_t key_type;       /* CKE_KEY_* */
  int64_t not_before_unix; /* start of validity, seconds since the epoch (the host's clock) */
  int64_t ttl_seconds;     /* validity length: notAfter = not_before_unix + ttl_seconds */
} cke_cert_request;

typedef struct cke_cert_backend_table {
  uint32_t struct_size;
  int32_t (*create)(const char* config_json, cke_cert_backend** out, cke_error* err);
  void (*destroy)(cke_cert_backend* instance);
  /* Writes the PEM certificate of CA `ca_name` into `pem_sink`. */
  int32_t (*ca_certificate)(cke_cert_backend* instance, const char* ca_name,
                            const cke_writer* pem_sink, cke_error* err);
  /* Issues a certificate: the PEM certificate (followed by any intermediate chain) goes to
   * `cert_sink`, the PEM private key (PKCS#8) to `key_sink`. */
  int32_t (*issue)(cke_cert_backend* instance, const cke_cert_request* request,
                   const cke_writer* cert_sink, const cke_writer* key_sink, cke_error* err);
} cke_cert_backend_table;

#ifdef __cplusplus
}
#endif

#endif /* CKE_CERT_BACKEND_H */
