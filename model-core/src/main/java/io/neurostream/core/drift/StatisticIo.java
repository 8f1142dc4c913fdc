// Reads and writes the nullable last detection that every detector keeps in its state.
package io.neurostream.core.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

final class StatisticIo {
    private StatisticIo() {
    }

    /** The detector's name is not written: the owner implies it. */
    static void write(DataOutput out, DriftStatistic s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeLong(s.updates());
            out.writeDouble(s.statistic());
            out.writeDouble(s.threshold());
            out.writeDouble(s.meanBefore());
            out.writeDouble(s.meanAfter());
        }
    }

    static DriftStatistic read(DataInput in, String detector) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new DriftStatistic(detector, in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
    }
}
