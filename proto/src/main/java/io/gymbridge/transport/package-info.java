/**
 * How a gymbridge connection is secured, shared by every Java client and the server: where a bearer
 * token comes from ({@link io.gymbridge.transport.Tokens}), and the channel credentials a client
 * dials with ({@link io.gymbridge.transport.ClientSecurity}: plaintext or TLS, an optional client
 * certificate for mutual TLS, the token on every call); and the {@link
 * io.gymbridge.transport.InProcessServer} a program starts on loopback when it names no server.
 */
package io.gymbridge.transport;
