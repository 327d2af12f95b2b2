package io.heliograph.ingest.llm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Per-model prices, loaded from the classpath resource /prices.csv. */
public final class PriceTable {
    static final String RESOURCE = "/prices.csv";
    static final String HEADER = "model,provider,input_per_million_usd,output_per_million_usd,"
            + "cache_read_per_million_usd,cache_write_per_million_usd";
    private static final int COLUMNS = 6;
    /** Keys are lower-case; no '/', ':' or '@', which {@link #resolve} treats as separators. */
    private static final Pattern MODEL_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern PROVIDER = Pattern.compile("[A-Z0-9_]+");

    /** One row of the table; prices are USD per million tokens, the cache ones null when the row has none. */
    record Price(String model, String provider, BigDecimal input, BigDecimal output,
                 BigDecimal cacheRead, BigDecimal cacheWrite) {
    }

    private final Map<String, Price> byModel;
    /** Keys, longest first, for the prefix rule. */
    private final List<String> keysLongestFirst;

    private PriceTable(Map<String, Price> byModel) {
        this.byModel = Collections.unmodifiableMap(byModel);
        List<String> keys = new ArrayList<>(byModel.keySet());
        keys.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        this.keysLongestFirst = List.copyOf(keys);
    }

    /** From /prices.csv; throws IllegalStateException if it is missing or malformed. */
    public static PriceTable load() {
        try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + RESOURCE + " is missing");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(RESOURCE + " is malformed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * A table from CSV text: blank lines and lines starting with '#' are skipped; the first other line must be
     * {@link #HEADER}; each row has six comma-separated cells (no quoting), the last two of which may be empty.
     *
     * @throws IllegalArgumentException naming the line and the problem, when the text is malformed
     */
    static PriceTable parse(Reader csv) {
        Map<String, Price> rows = new LinkedHashMap<>();
        boolean headerSeen = false;
        BufferedReader reader = new BufferedReader(csv);
        int lineNumber = 0;
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                if (!headerSeen) {
                    if (!trimmed.replace(" ", "").equals(HEADER)) {
                        throw malformed(lineNumber, "expected the header '" + HEADER + "' but found '" + trimmed + "'");
                    }
                    headerSeen = true;
                    continue;
                }
                Price price = row(lineNumber, trimmed);
                if (rows.putIfAbsent(price.model(), price) != null) {
                    throw malformed(lineNumber, "model '" + price.model() + "' is listed twice");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read prices: " + e.getMessage(), e);
        }
        if (!headerSeen) {
            throw new IllegalArgumentException("prices: missing the header line '" + HEADER + "'");
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("prices: the table has no rows");
        }
        return new PriceTable(rows);
    }

    private static Price row(int lineNumber, String line) {
        String[] cells = line.split(",", -1);
        if (cells.length != COLUMNS) {
            throw malformed(lineNumber, "expected " + COLUMNS + " columns but found " + cells.length + ": '" + line + "'");
        }
        String model = cells[0].strip().toLowerCase(Locale.ROOT);
        if (!MODEL_KEY.matcher(model).matches()) {
            throw malformed(lineNumber, "model '" + cells[0].strip()
                    + "' must be letters, digits, '.', '_' or '-' (no '/', ':' or '@')");
        }
        String provider = cells[1].strip().toUpperCase(Locale.ROOT);
        if (!PROVIDER.matcher(provider).matches()) {
            throw malformed(lineNumber, "provider '" + cells[1].strip() + "' of " + model
                    + " must be a name such as OPENAI or ANTHROPIC");
        }
        BigDecimal input = price(lineNumber, model, "input_per_million_usd", cells[2], true);
        BigDecimal output = price(lineNumber, model, "output_per_million_usd", cells[3], true);
        BigDecimal cacheRead = price(lineNumber, model, "cache_read_per_million_usd", cells[4], false);
        BigDecimal cacheWrite = price(lineNumber, model, "cache_write_per_million_usd", cells[5], false);
        return new Price(model, provider, input, output, cacheRead, cacheWrite);
    }

    private static BigDecimal price(int lineNumber, String model, String column, String cell, boolean required) {
        String text = cell.strip();
        if (text.isEmpty()) {
            if (required) {
                throw malformed(lineNumber, column + " of " + model + " is required");
            }
            return null;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw malformed(lineNumber, column + " of " + model + " is not a number: '" + text + "'");
        }
        if (value.signum() < 0) {
            throw malformed(lineNumber, column + " of " + model + " must not be negative: '" + text + "'");
        }
        return value;
    }

    private static IllegalArgumentException malformed(int lineNumber, String problem) {
        return new IllegalArgumentException("prices line " + lineNumber + ": " + problem);
    }

    /**
     * Cost in USD, or null when the model's price is unknown or the usage lacks prompt or completion counts.
     * Exact decimal arithmetic (BigDecimal) then doubleValue(), so 13 prompt + 17 completion tokens of gpt-4o
     * ($2.50 / $10.00 per 1M) is exactly 0.0002025. Cache reads are charged at the row's cache_read price and
     * cache writes at the cache_write price when the row has them (else at the input price); the rest of the
     * prompt tokens at the input price. Null too when the counts contradict each other (negative, or more
     * cached tokens than prompt tokens).
     */
    public Double cost(String model, Usage usage) {
        if (usage == null || usage.promptTokens() == null || usage.completionTokens() == null) {
            return null;
        }
        Optional<String> key = resolve(model);
        if (key.isEmpty()) {
            return null;
        }
        Price price = byModel.get(key.get());
        long prompt = usage.promptTokens();
        long completion = usage.completionTokens();
        long read = usage.cacheReadTokens() == null ? 0 : usage.cacheReadTokens();
        long write = usage.cacheWriteTokens() == null ? 0 : usage.cacheWriteTokens();
        if (prompt < 0 || completion < 0 || read < 0 || write < 0 || read > prompt || write > prompt - read) {
            return null;
        }
        long uncached = prompt - read - write;
        BigDecimal micro = price.input().multiply(BigDecimal.valueOf(uncached))
                .add(orElse(price.cacheRead(), price.input()).multiply(BigDecimal.valueOf(read)))
                .add(orElse(price.cacheWrite(), price.input()).multiply(BigDecimal.valueOf(write)))
                .add(price.output().multiply(BigDecimal.valueOf(completion)));
        return micro.movePointLeft(6).doubleValue();
    }

    /**
     * The table key a model name resolves to, if any: lower-cased; a leading "provider/" segment (e.g. "openai/",
     * "anthropic/") stripped; exact match first; else the LONGEST key k such that model starts with k + "-" or
     * k + "@" or k + ":" (dated/pinned variants: "gpt-4o-2024-08-06" → "gpt-4o", "claude-sonnet-4-5-20250929" →
     * "claude-sonnet-4-5", "claude-3-5-sonnet@20240620" → "claude-3-5-sonnet"); empty for unknown names.
     */
    public Optional<String> resolve(String model) {
        if (model == null) {
            return Optional.empty();
        }
        String name = model.strip().toLowerCase(Locale.ROOT);
        int slash = name.indexOf('/');
        if (slash >= 0) {
            name = name.substring(slash + 1);
        }
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (byModel.containsKey(name)) {
            return Optional.of(name);
        }
        for (String key : keysLongestFirst) {
            if (name.length() > key.length() && name.startsWith(key)) {
                char next = name.charAt(key.length());
                if (next == '-' || next == '@' || next == ':') {
                    return Optional.of(key);
                }
            }
        }
        return Optional.empty();
    }

    /** Every row, in file order. */
    Collection<Price> rows() {
        return byModel.values();
    }

    /** The row a model name resolves to, if any. */
    Optional<Price> price(String model) {
        return resolve(model).map(byModel::get);
    }

    private static BigDecimal orElse(BigDecimal value, BigDecimal fallback) {
        return value != null ? value : fallback;
    }
}
