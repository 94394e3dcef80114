package dev.rotagate.gateway.frontend;

/** The protocol side of one client connection: gets the decoded messages and pipeline events. */
public interface Frontend {

    void onMessage(Object message);

    /** A pipeline user event (half-close, …); the front end owns it and must release it. */
    void onEvent(Object event);

    void onClose();
}
