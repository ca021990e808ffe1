package io.tandem.spring;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The indicator shows the check's report as Spring Boot's health; a database it cannot reach is DOWN, with why. */
class TandemHealthIndicatorTest {
    @Test
    void anUnreachableDatabaseIsDownWithTheReason() {
        DataSource unreachable = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("connection refused");
                });
        TandemProperties properties = new TandemProperties();
        properties.setApp("shop");
        properties.setVersion(1);
        Health health = new TandemHealthIndicator(new TandemHealthCheck(unreachable, properties)).health();
        assertEquals(Status.DOWN, health.getStatus());
        assertEquals("shop", health.getDetails().get("app"));
        assertEquals("could not read Tandem's state: connection refused", health.getDetails().get("reason"));
    }
}
