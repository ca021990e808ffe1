package io.tandem.core.journal;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The field maps a {@link JournalEntry} holds: in field order, null values allowed, unmodifiable.
 *
 * <p>Why a type of its own: an entry must not share a map its caller could still change, so it copies what it is
 * given; but the maps {@link JournalCodec#decode} returns are built for the entry and never seen by anyone else.
 * Marking them lets the entry keep them as they are — the applier decodes every journal row into an entry, and the
 * copy was a good part of that work.
 */
final class FrozenFields extends AbstractMap<String, Object> {
    private final Map<String, Object> fields;

    private FrozenFields(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** {@code map} itself if it is already frozen, else an unmodifiable copy of it. */
    static Map<String, Object> of(Map<String, Object> map) {
        return map instanceof FrozenFields ? map : new FrozenFields(new LinkedHashMap<>(map));
    }

    /** {@code owned}, which no one else holds a reference to, frozen without a copy. */
    static Map<String, Object> adopt(LinkedHashMap<String, Object> owned) {
        return new FrozenFields(owned);
    }

    @Override
    public Object get(Object field) {
        return fields.get(field);
    }

    @Override
    public boolean containsKey(Object field) {
        return fields.containsKey(field);
    }

    @Override
    public int size() {
        return fields.size();
    }

    @Override
    public Set<String> keySet() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    @Override
    public Collection<Object> values() {
        return Collections.unmodifiableCollection(fields.values());
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return Collections.unmodifiableMap(fields).entrySet();
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        fields.forEach(action);
    }
}
