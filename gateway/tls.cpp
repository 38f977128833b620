#include "gateway/tls.hpp"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>

namespace intake::gateway {
namespace {

std::string openssl_error() {
  char buf[256] = "unknown OpenSSL error";
  if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

}  // namespace

Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const std::filesystem::path& certificate,
                                                                           const std::filesystem::path& private_key) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Forward-secret AEAD suites only for TLS 1.2; TLS 1.3's defaults are already so.
  SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20");
  if (SSL_CTX_use_certificate_chain_file(native, certificate.c_str()) != 1)
    return make_error("tls", "cannot load the certificate " + certificate.string() + ": " + openssl_error());
  if (SSL_CTX_use_PrivateKey_file(native, private_key.c_str(), SSL_FILETYPE_PEM) != 1)
    return make_error("tls", "cannot load the private key " + private_key.string() + ": " + openssl_error());
  if (SSL_CTX_check_private_key(native) != 1)
    return make_error("tls", "the private key does not match the certificate " + certificate.string());
  return ctx;
}

Status ensure_self_signed_certificate(const std::filesystem::path& certificate,
                                      const std::filesystem::path& private_key) {
  std::error_code ec;
  if (std::filesystem::exists(certificate, ec) && std::filesystem::exists(private_key, ec)) return Ok{};
  std::filesystem::create_directories(certificate.parent_path(), ec);
  std::filesystem::create_directories(private_key.parent_path(), ec);

  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return make_error("tls", "cannot generate a key: " + openssl_error());
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return make_error("tls", "no randomness: " + openssl_error());
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("intake gateway (self-signed)"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
                            std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (!ext) return make_error("tls", "cannot build a certificate extension: " + openssl_error());
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    return make_error("tls", "cannot sign the certificate: " + openssl_error());

  {
    const mode_t old = umask(077);
    std::unique_ptr<FILE, FileCloser> f(std::fopen(private_key.c_str(), "wb"));
    umask(old);
    if (!f || PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
      return make_error("tls", "cannot write " + private_key.string());
  }
  std::unique_ptr<FILE, FileCloser> f(std::fopen(certificate.c_str(), "wb"));
  if (!f || PEM_write_X509(f.get(), cert.get()) != 1) return make_error("tls", "cannot write " + certificate.string());
  return Ok{};
}

}  // namespace intake::gateway
