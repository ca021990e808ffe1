package io.tandem.demo;

/**
 * What the model expects of one customer after every acknowledged write: version 1's full name (version 2's
 * first and last name joined by one space), email, phone (v2 only, may be null), or deleted.
 */
record Customer(String fullName, String email, String phone, boolean deleted) {

    static final Customer GONE = new Customer(null, null, null, true);

    String firstName() {
        int space = fullName.indexOf(' ');
        return space < 0 ? fullName : fullName.substring(0, space);
    }

    String lastName() {
        int space = fullName.indexOf(' ');
        return space < 0 ? "" : fullName.substring(space + 1);
    }

    Customer renamed(String name) {
        return new Customer(name, email, phone, false);
    }

    Customer withEmail(String address) {
        return new Customer(fullName, address, phone, false);
    }

    Customer withPhone(String number) {
        return new Customer(fullName, email, number, false);
    }
}
