package io.tandem.core.definitions;

/** Where a node sits in a definition, as printed in problems: {@code entities.customer.writes[0].set.email}. */
record YamlPath(String text) {
    static final YamlPath ROOT = new YamlPath("");

    YamlPath child(String key) {
        return new YamlPath(text.isEmpty() ? key : text + "." + key);
    }

    YamlPath index(int i) {
        return new YamlPath(text + "[" + i + "]");
    }

    @Override
    public String toString() {
        return text;
    }
}
