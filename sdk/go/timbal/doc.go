// Timbal connector extraction jobs: dispatch, track and wait for the extractions that load Timbal knowledge bases
package timbal
