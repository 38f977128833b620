#pragma once
// A self-signed certificate for 127.0.0.1, for the test servers that stand in for a mail
// relay or a provider's API: the gateway is pointed at it as its CA (ca_file), so the
// tests run over TLS that is verified as in production.
#include <cstdlib>
#include <filesystem>
#include <string>

namespace intake::testing {

struct TestCertificate {
  std::filesystem::path certificate, private_key;
};

// Writes `<name>.crt` and `<name>.key` into `folder`; false when openssl failed.
inline bool make_test_certificate(const std::filesystem::path& folder, const std::string& name, TestCertificate& out) {
  out = {folder / (name + ".crt"), folder / (name + ".key")};
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                              "-addext subjectAltName=IP:127.0.0.1 -keyout '" + out.private_key.string() + "' -out '" +
                              out.certificate.string() + "' 2>/dev/null";
  return std::system(command.c_str()) == 0;
}

}  // namespace intake::testing
