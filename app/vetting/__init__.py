"""Vetting (资格审查/征求意见) for secretariat staff: the queue, a nomination's file, decisions."""
