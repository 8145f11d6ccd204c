#include "dns_update.hpp"

// Before ldns: without __bool_true_false_are_defined, ldns/common.h #defines bool, true and false,
// which breaks every C++ header after it.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
// clang-format off
#include <ldns/ldns.h>
// clang-format on

#include <memory>
#include <sstream>

#include "cke/sdk/plugin.hpp"

namespace cke::plugins::coredns {
namespace {

struct ResolverFree {
  void operator()(ldns_resolver* r) const { ldns_resolver_deep_free(r); }
};
struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RrListFree {
  void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct CharFree {
  void operator()(char* c) const { free(c); }  // NOLINT(cppcoreguidelines-no-malloc): ldns's
};
using Resolver = std::unique_ptr<ldns_resolver, ResolverFree>;
using Pkt = std::unique_ptr<ldns_pkt, PktFree>;
using RrList = std::unique_ptr<ldns_rr_list, RrListFree>;
using Rdf = std::unique_ptr<ldns_rdf, RdfFree>;

[[noreturn]] void fail(int32_t code, const std::string& why) { throw sdk::Error(code, why); }

std::string where(const DnsServer& server) {
  return server.address + " port " + std::to_string(server.port);
}

// `signed_with_key`: TSIG on what ldns sends (updates are signed explicitly as well).
Resolver resolver_for(const DnsServer& server, bool signed_with_key) {
  Resolver r(ldns_resolver_new());
  Rdf address(ldns_rdf_new_frm_str(
      server.address.find(':') == std::string::npos ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA,
      server.address.c_str()));
  if (!r || !address || ldns_resolver_push_nameserver(r.get(), address.get()) != LDNS_STATUS_OK) {
    fail(CKE_INVALID_ARGUMENT, "\"" + server.address + "\" is not an IP address of a DNS server");
  }
  ldns_resolver_set_port(r.get(), server.port);
  ldns_resolver_set_usevc(r.get(), true);  // TCP: an update for many members outgrows UDP
  ldns_resolver_set_timeout(r.get(), {static_cast<time_t>(server.timeout.count()), 0});
  ldns_resolver_set_retry(r.get(), 1);
  ldns_resolver_set_recursive(r.get(), false);
  if (signed_with_key && !server.key.name.empty()) {
    // ldns signs the queries it builds with these, and checks the answers' signatures.
    ldns_resolver_set_tsig_keyname(r.get(), (server.key.name + ".").c_str());
    ldns_resolver_set_tsig_algorithm(r.get(), (server.key.algorithm + ".").c_str());
    ldns_resolver_set_tsig_keydata(r.get(), server.key.secret.c_str());
  }
  return r;
}

Rdf dname(const std::string& name) {
  Rdf rdf(ldns_dname_new_frm_str((name + ".").c_str()));
  if (!rdf) {
    fail(CKE_INVALID_ARGUMENT, "\"" + name + "\" is not a DNS name");
  }
  return rdf;
}

std::string rcode_name(ldns_pkt_rcode rcode) {
  const std::unique_ptr<char, CharFree> text(ldns_pkt_rcode2str(rcode));
  return text ? text.get() : std::to_string(static_cast<int>(rcode));
}

}  // namespace

void send_update(const DnsServer& server, const std::vector<std::string>& delete_rrsets,
                 const std::vector<std::string>& add_records) {
  const Resolver r = resolver_for(server, true);
  RrList updates(ldns_rr_list_new());
  for (const auto& rrset : delete_rrsets) {
    std::istringstream parts(rrset);
    std::string name;
    std::string type;
    parts >> name >> type;
    // RFC 2136 2.5.2: class ANY, TTL 0, no data deletes the RRset of that name and type.
    ldns_rr* rr = ldns_rr_new();
    ldns_rr_set_owner(rr, dname(name).release());
    ldns_rr_set_type(rr, ldns_get_rr_type_by_name(type.c_str()));
    ldns_rr_set_class(rr, LDNS_RR_CLASS_ANY);
    ldns_rr_set_ttl(rr, 0);
    ldns_rr_list_push_rr(updates.get(), rr);
  }
  for (const auto& line : add_records) {
    ldns_rr* rr = nullptr;
    if (ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) {
      fail(CKE_INTERNAL, "cannot encode the record \"" + line + "\"");
    }
    ldns_rr_list_push_rr(updates.get(), rr);
  }
  Pkt update(ldns_update_pkt_new(dname(server.zone).release(), LDNS_RR_CLASS_IN, nullptr,
                                 updates.get(), nullptr));
  if (!update) {
    fail(CKE_INTERNAL, "cannot build the update message");
  }
  // ldns signs the queries it builds itself; a packet built here must be signed here.
  if (!server.key.name.empty() &&
      ldns_update_pkt_tsig_add(update.get(), r.get()) != LDNS_STATUS_OK) {
    fail(CKE_INVALID_ARGUMENT, "cannot sign the update with TSIG key " + server.key.name + " (" +
                                   server.key.algorithm + "); is the secret base64?");
  }
  ldns_pkt* raw_answer = nullptr;
  const ldns_status status = ldns_resolver_send_pkt(&raw_answer, r.get(), update.get());
  const Pkt answer(raw_answer);
  if (answer && ldns_pkt_get_rcode(answer.get()) != LDNS_RCODE_NOERROR) {
    const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(answer.get());
    const std::string hint =
        rcode == LDNS_RCODE_NOTAUTH
            ? ": the TSIG key is wrong or unknown to the server (check tsig.name and the secret)"
        : rcode == LDNS_RCODE_REFUSED
            ? ": the server does not allow this key (or an unsigned update) to change the zone"
        : rcode == LDNS_RCODE_NOTZONE ? ": the server is not the primary of zone " + server.zone
                                      : "";
    fail(CKE_PERMISSION_DENIED, "the DNS server at " + where(server) + " refused the update of " +
                                    server.zone + " with " + rcode_name(rcode) + hint);
  }
  if (status == LDNS_STATUS_CRYPTO_TSIG_BOGUS) {
    // A server that does not know the signature answers NOTAUTH (BADSIG) unsigned, which ldns
    // takes for a forged answer and drops.
    fail(CKE_PERMISSION_DENIED,
         "the DNS server at " + where(server) + " refused the update of " + server.zone +
             ": it did not accept the TSIG signature (NOTAUTH, BADSIG); the TSIG key " +
             server.key.name +
             " is wrong or unknown to the server (check tsig.name and the secret)");
  }
  if (status != LDNS_STATUS_OK) {
    fail(CKE_UNAVAILABLE, "no answer to the update of " + server.zone + " from the DNS server at " +
                              where(server) + ": " + ldns_get_errorstr_by_id(status));
  }
}

std::vector<std::string> query_txt(const DnsServer& server, const std::string& name) {
  // Unsigned: the ownership record is no secret, and a wrong key is then refused where it
  // matters, on the update, with the server's own answer.
  const Resolver r = resolver_for(server, false);
  const Rdf owner = dname(name);
  ldns_pkt* raw_answer = nullptr;
  const ldns_status status =
      ldns_resolver_send(&raw_answer, r.get(), owner.get(), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN, 0);
  const Pkt answer(raw_answer);
  if (status != LDNS_STATUS_OK || !answer) {
    fail(CKE_UNAVAILABLE, "no answer from the DNS server at " + where(server) + " for " + name +
                              " TXT: " + ldns_get_errorstr_by_id(status));
  }
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(answer.get());
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
    fail(CKE_UNAVAILABLE, "the DNS server at " + where(server) + " answered " + name +
                              " TXT with " + rcode_name(rcode));
  }
  std::vector<std::string> out;
  const ldns_rr_list* records = ldns_pkt_answer(answer.get());
  for (size_t i = 0; records != nullptr && i < ldns_rr_list_rr_count(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT) {
      continue;
    }
    for (size_t k = 0; k < ldns_rr_rd_count(rr); ++k) {
      const ldns_rdf* rdf = ldns_rr_rdf(rr, k);
      // A TXT string on the wire: one length byte, then that many bytes.
      const auto* data = ldns_rdf_data(rdf);
      const size_t size = ldns_rdf_size(rdf);
      if (size >= 1 && data[0] <= size - 1) {
        out.emplace_back(reinterpret_cast<const char*>(data + 1), data[0]);
      }
    }
  }
  return out;
}

}  // namespace cke::plugins::coredns
