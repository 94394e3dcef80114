package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;

/** The admin listener (status page, JSON API, /metrics); null address = off. A token guards every POST. */
public record AdminConfig(HostAndPort address, String token) {

    public static final AdminConfig OFF = new AdminConfig(null, null);

    public boolean enabled() {
        return address != null;
    }

    @Override
    public String toString() {
        return "AdminConfig[address=" + address + ", token=" + (token == null ? "none" : "****") + "]";
    }
}
