// AUTO-GENERATED FILE.
public const VERSION = "1.0.0";
