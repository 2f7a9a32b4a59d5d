package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.Gateway;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: on Linux (x86-64 and aarch64, the machines the jar and the image ship for) the gateway's Vert.x runs on
 * Netty's epoll transport, which measured a sixth less CPU per request than the JDK's selector; a missing native file
 * would otherwise fall back silently. The request still goes through, over the transport in use.
 */
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
class RunsOnTheNativeTransportOnLinuxTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("test-key-a");

    @Test
    void vertxUsesEpollAndServesOverIt() throws Exception {
        Vertx vertx = gateway.caravan().context().getRegistry().lookupByNameAndType("vertx", Vertx.class);
        assertThat(vertx.unavailableNativeTransportCause()).isNull();
        assertThat(vertx.isNativeTransportEnabled()).isTrue();

        var answer = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hello"));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).containsExactly("test-key-a");
    }
}
