#pragma once
// TLS for the HTTPS listener: a server context that speaks TLS 1.2 and 1.3 only, and a
// self-signed certificate for local use when none is configured.
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>

#include "intake/result.hpp"

namespace intake::gateway {

// Loads the PEM certificate chain and private key into a TLS 1.2+ server context.
Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const std::filesystem::path& certificate,
                                                                           const std::filesystem::path& private_key);

// Creates a self-signed certificate (ECDSA P-256, valid for one year, for localhost and
// 127.0.0.1 and ::1) at the given paths unless both files exist already. The key file is
// written with mode 0600.
Status ensure_self_signed_certificate(const std::filesystem::path& certificate,
                                      const std::filesystem::path& private_key);

}  // namespace intake::gateway
