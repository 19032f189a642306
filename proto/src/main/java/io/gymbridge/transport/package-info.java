/**
 * How a gymbridge connection is secured, shared by every Java client and the server: where a bearer
 * token comes from ({@link io.gymbridge.transport.Tokens}), and the channel credentials a client
 * dials with ({@link io.gymbridge.transport.ClientSecurity}: plaintext or TLS, an optional client
 * certificate for mutual TLS, the token on every call).
 */
package io.gymbridge.transport;
