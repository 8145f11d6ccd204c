/* Broken on purpose: a shared object without the cke entry symbol. */
__attribute__((visibility("default"))) int cke_not_the_entry_point(void) { return 42; }
