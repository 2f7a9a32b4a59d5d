package dev.caravan.config;

/** A configuration value that cannot be used; the message names the environment variable and the property. */
public final class InvalidSettingException extends RuntimeException {

    private final String variable;

    /**
     * @param raw the offending value, or null when it may hold a secret and must not be echoed
     */
    public InvalidSettingException(String variable, String property, String raw, String problem) {
        super("Invalid " + variable + " (" + property + ")" + (raw == null ? "" : ": '" + raw + "'") + ": " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
