/**
 * The header row of a table whose last column holds each row's buttons: that column is named
 * for screen readers only, so sighted users see no empty "Actions" heading.
 */
export function ActionsHeaderRow({ columns }: { columns: readonly string[] }) {
  return (
    <tr>
      {columns.map((name) => (
        <th scope="col" key={name}>
          {name}
        </th>
      ))}
      <th scope="col">
        <span className="visually-hidden">Actions</span>
      </th>
    </tr>
  );
}
