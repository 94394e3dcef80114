package dev.rotagate.gateway.forward;

import dev.rotagate.config.BansConfig;
import dev.rotagate.config.ServerConfig;
import dev.rotagate.config.TimeoutsConfig;
import dev.rotagate.gateway.frontend.ClientAuthenticator;
import dev.rotagate.pool.connect.HttpConnections;
import dev.rotagate.pool.resilience.DomainBans;
import io.vertx.core.Vertx;

/** What every client connection shares: built once per gateway (and per config generation). */
public record GatewayContext(Vertx vertx, Dispatcher dispatcher, HttpConnections httpConnections,
                             ClientAuthenticator authenticator, TimeoutsConfig timeouts, ServerConfig server,
                             BansConfig bansConfig, DomainBans domainBans, AccessLog accessLog, Admission admission) {
}
