package dev.caravan.storage;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A row of {@code request_log} or {@code error_log} as it is built: its values in the order of the {@code #}
 * placeholders of the table's insert (routes/request-log.camel.yaml), which camel-sql binds by position
 * ({@link PositionalRows}). An array in column order, not a map of column names: a map and its entries were about
 * 0.9 KB of allocation for every request. Not thread-safe; a finished row ({@link #values()}) is not changed again.
 */
public final class LogRow {

    /** A table's columns in insert order, and how many characters each text column holds. */
    public static final class Table {
        private final List<String> columns;
        private final Map<String, Integer> positions = new HashMap<>();
        private final int[] sizes;

        /** @param columns each column's name, then its size for a text column with a size (0: none), in insert order */
        Table(Object... columns) {
            String[] names = new String[columns.length / 2];
            this.sizes = new int[names.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = (String) columns[2 * i];
                sizes[i] = (Integer) columns[2 * i + 1];
                positions.put(names[i], i);
            }
            this.columns = List.of(names);
        }

        /** The column names, in the order of the insert's placeholders. */
        public List<String> columns() {
            return columns;
        }

        /** An empty row of this table. */
        public LogRow row() {
            return new LogRow(this);
        }

        /** The value of {@code column} in a finished row of this table. */
        public Object get(List<Object> values, String column) {
            return values.get(position(column));
        }

        private int position(String column) {
            Integer i = positions.get(column);
            if (i == null) {
                throw new IllegalArgumentException("no column " + column);
            }
            return i;
        }
    }

    private final Table table;
    private final Object[] values;

    private LogRow(Table table) {
        this.table = table;
        this.values = new Object[table.sizes.length];
    }

    /** Sets one column (null leaves it NULL). */
    public LogRow put(String column, Object value) {
        values[table.position(column)] = value;
        return this;
    }

    public Object get(String column) {
        return values[table.position(column)];
    }

    /**
     * The row's values in column order, each text cut to its column's size: MySQL refuses a value too long for its
     * column, and with it the whole batch of rows.
     */
    public List<Object> values() {
        for (int i = 0; i < values.length; i++) {
            if (table.sizes[i] > 0 && values[i] instanceof String text) {
                values[i] = cut(text, table.sizes[i]);
            }
        }
        return Arrays.asList(values);
    }

    /** The first {@code max} characters of {@code s}, never half of a surrogate pair; null stays null. */
    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
