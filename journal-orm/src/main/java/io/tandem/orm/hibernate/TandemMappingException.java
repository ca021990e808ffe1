package io.tandem.orm.hibernate;

import io.tandem.core.TandemException;

import java.util.List;

/** Boot failure: the Hibernate mapping differs from the version's definition, or maps what Tandem cannot carry. */
public class TandemMappingException extends TandemException {
    private final List<String> problems;

    public TandemMappingException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** One line per difference, naming entity and property. */
    public List<String> problems() {
        return problems;
    }
}
