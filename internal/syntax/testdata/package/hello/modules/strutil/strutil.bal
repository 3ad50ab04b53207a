# Removes leading and trailing white space.
#
# + s - the text
# + return - the trimmed text
public function trim(string s) returns string => s.trim();
