package dev.caravan.config;

/** A configuration value that cannot be used; the message names the environment variable and the property. */
public final class InvalidSettingException extends RuntimeException {

    private final String variable;
    private final String property;
    private final String problem;

    /**
     * @param raw the offending value, or null when it may hold a secret and must not be echoed
     */
    public InvalidSettingException(String variable, String property, String raw, String problem) {
        super("Invalid " + variable + " (" + property + ")" + (raw == null ? "" : ": '" + raw + "'") + ": " + problem);
        this.variable = variable;
        this.property = property;
        this.problem = problem;
    }

    public String variable() {
        return variable;
    }

    public String property() {
        return property;
    }

    /** What is wrong with the value, without the names. */
    public String problem() {
        return problem;
    }
}
