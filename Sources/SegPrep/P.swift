public enum SegPrepPlaceholder {}
