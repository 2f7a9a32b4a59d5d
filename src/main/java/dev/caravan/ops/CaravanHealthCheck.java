package dev.caravan.ops;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Caravan's own readiness for {@code /observe/health}: UP only when every condition holds (the HTTP port is
 * bound, the database answers, at least one key is usable), otherwise DOWN with the reasons. Thread-safe as long
 * as the conditions are.
 */
public final class CaravanHealthCheck extends AbstractHealthCheck {

    /** One thing that must be true; {@code problem} answers null when it is, or why it is not. */
    public record Condition(String name, Supplier<String> problem) {
    }

    private final List<Condition> conditions;

    public CaravanHealthCheck(List<Condition> conditions) {
        super("caravan", "gateway");
        this.conditions = List.copyOf(conditions);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        StringBuilder why = new StringBuilder();
        for (Condition c : conditions) {
            String problem;
            try {
                problem = c.problem().get();
            } catch (RuntimeException e) {
                problem = c.name() + " check failed: " + e.getClass().getSimpleName();
            }
            builder.detail(c.name(), problem == null ? "UP" : "DOWN");
            if (problem != null) {
                why.append(why.isEmpty() ? "" : "; ").append(problem);
            }
        }
        if (why.isEmpty()) {
            builder.up();
        } else {
            builder.message(why.toString()).down();
        }
    }
}
