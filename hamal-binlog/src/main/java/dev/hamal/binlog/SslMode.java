package dev.hamal.binlog;

/** Whether and how the connection to a source uses TLS (the same names as the MySQL client). */
public enum SslMode {
  /** Never use TLS. */
  DISABLED,
  /** Use TLS when the server offers it, without verifying its certificate. */
  PREFERRED,
  /** Require TLS, without verifying the server's certificate. */
  REQUIRED,
  /** Require TLS and a server certificate signed by a trusted CA. */
  VERIFY_CA,
  /** Like {@link #VERIFY_CA}, and the certificate must name the host connected to. */
  VERIFY_IDENTITY
}
