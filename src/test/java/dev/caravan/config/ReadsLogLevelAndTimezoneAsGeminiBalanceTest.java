package dev.caravan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LOG_LEVEL takes gemini-balance's Python level names in any case (warning is log4j's WARN, critical its FATAL) and
 * log4j's own; TIMEZONE takes a zone id, is the JVM's zone when unset, and a wrong one names the variable.
 */
class ReadsLogLevelAndTimezoneAsGeminiBalanceTest {

    @ParameterizedTest(name = "LOG_LEVEL={0} is {1}")
    @CsvSource({
        "debug, DEBUG", "DEBUG, DEBUG", "info, INFO", "Info, INFO", "warning, WARN", "WARNING, WARN", "warn, WARN",
        "error, ERROR", "critical, FATAL", "CRITICAL, FATAL", "fatal, FATAL", "trace, TRACE", "off, OFF",
        "' info ', INFO", "'', INFO"})
    void mapsGeminiBalancesLevelNamesToLog4js(String raw, String log4j) {
        assertThat(LogLevel.log4jName(raw)).isEqualTo(log4j);
        assertThat(Settings.from(ValidProperties.with("caravan.log-level", raw)).logLevel()).isEqualTo(log4j);
    }

    @Test
    void aLevelThatIsNoneStopsStartUpNamingLogLevel() {
        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class,
                () -> Settings.from(ValidProperties.with("caravan.log-level", "verbose")));

        assertThat(e.variable()).isEqualTo("LOG_LEVEL");
        assertThat(e.getMessage()).contains("LOG_LEVEL", "debug, info, warning, error or critical");
    }

    @Test
    void anUnsetTimezoneIsTheJvmsZone() {
        assertThat(Settings.from(ValidProperties.with("caravan.timezone", "")).timezone()).isEqualTo(ZoneId.systemDefault());
    }

    @ParameterizedTest
    @CsvSource({"Asia/Shanghai", "America/Los_Angeles", "UTC", "+08:00", "PRC"})
    void takesAZoneId(String zone) {
        assertThat(Settings.from(ValidProperties.with("caravan.timezone", zone)).timezone()).isEqualTo(ZoneId.of(zone));
    }

    @ParameterizedTest
    @CsvSource({"Mars/Olympus", "Asia/Shang hai", "CST", "+25:00"})
    void aWrongZoneStopsStartUpNamingTimezone(String zone) {
        assertThatThrownBy(() -> Settings.from(ValidProperties.with("caravan.timezone", zone)))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.variable()).isEqualTo("TIMEZONE"))
                .hasMessageContaining("TIMEZONE").hasMessageContaining("Asia/Shanghai");
    }

    @Test
    void urlNormalizationIsOffUnlessSet() {
        assertThat(Settings.from(ValidProperties.with("caravan.url-normalization-enabled", "")).urlNormalizationEnabled())
                .isFalse();
        assertThat(Settings.from(ValidProperties.with("caravan.url-normalization-enabled", "True")).urlNormalizationEnabled())
                .isTrue();
        assertThatThrownBy(() -> Settings.from(ValidProperties.with("caravan.url-normalization-enabled", "sometimes")))
                .hasMessageContaining("URL_NORMALIZATION_ENABLED");
    }
}
