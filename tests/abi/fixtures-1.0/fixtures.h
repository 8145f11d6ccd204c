/* Plugins of every kind as a third party built them against ABI 1.0: compiled only with the
 * frozen 1.0 headers (tests/abi/frozen-1.0/include), never with the current ones, so that
 * tests/abi/fixtures_1_0_test.cpp proves the current core still loads them and works with them.
 * Each does real, small work that the test can check from outside. */
#ifndef CKE_FIXTURES_1_0_H
#define CKE_FIXTURES_1_0_H

#include "cke/plugin_abi.h"

/* The host the entry point was given: for set_error. */
extern const cke_host* fixture_host;

extern const cke_plugin_descriptor fixture_compressor;
extern const cke_plugin_descriptor fixture_storage;
extern const cke_plugin_descriptor fixture_cert_backend;
extern const cke_plugin_descriptor fixture_publisher;
extern const cke_plugin_descriptor fixture_runtime;

/* A string value of a flat JSON object such as {"file": "/tmp/x"} (no escapes), copied into
 * `out`; 0 when absent or too long. Enough for the fixtures' own configuration. */
int fixture_config_string(const char* json, const char* key, char* out, unsigned long size);

#endif
