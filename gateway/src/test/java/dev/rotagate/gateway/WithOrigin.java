package dev.rotagate.gateway;

import dev.rotagate.pool.testing.TestOrigin;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One Vert.x and one test origin per integration-test class. JUnit runs these before the class's own
 * {@code @BeforeAll} and after its own {@code @AfterAll}, so a class can start and stop its fakes around them.
 */
abstract class WithOrigin {

    static Vertx vertx;
    static TestOrigin origin;

    @BeforeAll
    static void startVertxAndOrigin() throws Exception {
        vertx = Vertx.vertx();
        origin = TestOrigin.start(vertx);
    }

    @AfterAll
    static void stopOriginAndVertx() throws Exception {
        origin.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
