/**
 * The retired generations of documents as records (`document_generations`, migration 0008): the
 * sync core's `GenerationStore` (sync-server/generations.ts) on the records database. Written
 * only by `DocStore.rebase`, read once per document load.
 */
import type { GenerationStore, RetiredGeneration } from '../../../../sync-server/generations';
import type { Records } from './records';

export class DocumentGenerations implements GenerationStore {
  constructor(private readonly records: Records) {}

  /** @inheritdoc */
  async list(name: string): Promise<RetiredGeneration[]> {
    const rows = await this.records.db
      .selectFrom('document_generations')
      .select(['generation', 'state_vector', 'retired_at'])
      .where('name', '=', name)
      .orderBy('retired_at')
      .orderBy('generation')
      .execute();
    return rows.map((row) => ({
      generation: row.generation,
      stateVector: new Uint8Array(row.state_vector),
      retiredAt: Number(row.retired_at)
    }));
  }

  /** @inheritdoc */
  async add(name: string, retired: RetiredGeneration): Promise<void> {
    await this.records.db
      .insertInto('document_generations')
      .values({
        name,
        generation: retired.generation,
        state_vector: retired.stateVector,
        retired_at: retired.retiredAt
      })
      .execute();
  }
}
