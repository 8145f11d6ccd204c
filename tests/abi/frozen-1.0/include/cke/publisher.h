/*
 * Endpoint publisher plugins (CKE_KIND_PUBLISHER): make the member endpoints known elsewhere
 * (Kubernetes Service/Endpoints, DNS records).
 *
 * `publish` receives the full set every time and makes the target match it; publishing the same
 * set twice changes nothing. `withdraw` removes what publish created.
 * Threading: the host calls one instance from one thread at a time.
 */
#ifndef CKE_PUBLISHER_H
#define CKE_PUBLISHER_H

#include "cke/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cke_publisher cke_publisher; /* opaque instance */

typedef struct cke_endpoint {
  uint32_t struct_size;
  const char* member_name; /* the etcd member name (the node address) */
  const char* address;     /* IP address */
  uint32_t port;           /* client port */
  uint32_t ready;          /* 1 when the member is healthy and in sync, 2 when not (never 0) */
} cke_endpoint;

/* Borrowed from the host for the duration of the call. An array of pointers, so that
 * cke_endpoint can grow without changing the array's stride. */
typedef struct cke_endpoint_set {
  uint32_t struct_size;
  const char* cluster_name;
  const char* service_name;   /* "cke-etcd" */
  const char* namespace_name; /* "kube-system" */
  const char* cluster_domain; /* e.g. "cluster.local" */
  const cke_endpoint* const* endpoints;
  size_t endpoint_count;
} cke_endpoint_set;

typedef struct cke_publisher_table {
  uint32_t struct_size;
  int32_t (*create)(const char* config_json, cke_publisher** out, cke_error* err);
  void (*destroy)(cke_publisher* instance);
  int32_t (*publish)(cke_publisher* instance, const cke_endpoint_set* set, cke_error* err);
  int32_t (*withdraw)(cke_publisher* instance, const cke_endpoint_set* set, cke_error* err);
} cke_publisher_table;

#ifdef __cplusplus
}
#endif

#endif /* CKE_PUBLISHER_H */
