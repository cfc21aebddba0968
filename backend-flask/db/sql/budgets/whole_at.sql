SELECT whole_at FROM write_budgets WHERE user_uuid = %(user_uuid)s AND action = %(action)s
