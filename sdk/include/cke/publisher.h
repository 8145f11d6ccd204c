/*
 * Endpoint publisher plugins (CKE_KIND_PUBLISHER): make the member endpoints known elsewhere
 * (Kubernetes Service/Endpoints, DNS records).
 *
 * `publish` receives the full set every time and makes the target match it; publishing the same
 * set twice changes nothing. `withdraw` removes what publish created.
 *
 * Since ABI 1.4 a publisher whose target is an API server (kubernetes) may also keep a set of
 * objects cke computes (the Kubernetes backup method's) and read from the target on cke's behalf
 * (etcdbackup through the API server's service proxy): `apply_objects` and `fetch`, NULL in
 * publishers that do neither.
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
  /* ---- since ABI 1.3 (check CKE_HAS_FIELD(cke_endpoint, e, peer_port)) ---- */
  uint32_t peer_port; /* the member's peer port, for etcd's _etcd-server-ssl SRV records */
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

/* Since ABI 1.4. Objects cke keeps in one namespace of the target, as a whole: borrowed from the
 * host for the duration of the call. Every object of the set carries the labels
 * app.kubernetes.io/managed-by=cke and app.kubernetes.io/name=<set_name>; an object of one of
 * `kinds` that carries them and is not in `objects` is deleted, so that an empty `objects`
 * deletes the whole set. */
typedef struct cke_object_set {
  uint32_t struct_size;
  const char* set_name;       /* "etcdbackup" */
  const char* namespace_name; /* "kube-system" */
  const char* const* kinds;   /* "apiVersion/Kind": "v1/Secret", "batch/v1/CronJob" */
  size_t kind_count;
  const char* const* objects; /* each a JSON object with apiVersion, kind and metadata */
  size_t object_count;
} cke_object_set;

typedef struct cke_publisher_table {
  uint32_t struct_size;
  int32_t (*create)(const char* config_json, cke_publisher** out, cke_error* err);
  void (*destroy)(cke_publisher* instance);
  int32_t (*publish)(cke_publisher* instance, const cke_endpoint_set* set, cke_error* err);
  int32_t (*withdraw)(cke_publisher* instance, const cke_endpoint_set* set, cke_error* err);
  /* ---- since ABI 1.4 (check CKE_HAS_FIELD(cke_publisher_table, t, fetch) and non-NULL) ---- */
  /* Makes the target hold exactly `set`'s objects among those labelled as the set's: creates
   * what is missing, replaces what says something else, deletes the rest. Idempotent. An object
   * of the same name that is not labelled as cke's is refused (CKE_FAILED_PRECONDITION). */
  int32_t (*apply_objects)(cke_publisher* instance, const cke_object_set* set, cke_error* err);
  /* GETs `path` from the target's API (e.g. a service proxy path, starting with '/') and pushes
   * the body into `sink` as it arrives. CKE_NOT_FOUND for a 404; other answers but 200 are
   * errors whose message carries the body's first line. */
  int32_t (*fetch)(cke_publisher* instance, const char* path, const cke_writer* sink,
                   cke_error* err);
} cke_publisher_table;

#ifdef __cplusplus
}
#endif

#endif /* CKE_PUBLISHER_H */
